/**
 * Fine-tuning pipelines for the post-training interventions of [P] §5:
 * recipes as data, dataset builds through the model door, validation before
 * upload, training through the provider's fine-tuning API (or a local mock),
 * and the trained folder as a model to evaluate. See docs/finetune.md.
 */
export { Recipe, RecipeComponent, RecipeStep, RecipeSource, STEP_FILTERS, RECIPES_DIR, loadRecipes, getRecipe, parseRecipe, recipeHash, recipeSeedFiles, fill, slotsOf } from "./recipe";
export { buildDataset, dryRun, prepareBuild, assistantTurnsAreSafe, OFFLINE_GENERATOR, type BuildOptions, type BuildResult, type BuildManifest, type ExampleMeta } from "./build";
export { estimateBuild, formatEstimate, formatLine, parseReply, type BuildEstimate, type StepEstimate } from "./plan";
export { openGenerator, safeUrl, type GeneratorEndpoint, type GeneratorEndpointOptions } from "./endpoint";
export { validateTrainingFile, formatValidation, MIN_EXAMPLES, type ValidationReport, type ValidateOptions } from "./validate";
export { ChatExample, ChatMessage, turnProblem } from "./chatfile";
export { hasPlaceholder, onlyPlaceholders, isRefusal } from "./content";
export { exampleTokens, textTokens, exampleTokenLimit, TOKENIZER, TRAINING_PRICE_PER_MTOK } from "./tokens";
export { FineTuneApi, ProviderError, type FineTuningJob, type JobEvent, type FileObject } from "./openai-ft";
export { trainFolder, refreshState, readTrainState, trainFileDrift, formatState, TrainState, JOB_FILE, type TrainOptions, type TrainResult } from "./train";
export { startMockProvider, type MockProvider, type MockProviderOptions, type MockJobError } from "./mock-provider";
export { fineTunedModel, type FineTunedModel } from "./resolve";
export { offlineChain, type OfflineChainOptions, type OfflineChainResult } from "./chain";
