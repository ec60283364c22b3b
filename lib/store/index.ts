/**
 * lib/store: the results folder as a room. It alone reads and writes
 * manifest.json, samples.jsonl, judgements.jsonl and prompts/, with one
 * reader and one writer per file; everything else asks it.
 */
export { MANIFEST_FILE, SAMPLES_FILE, JUDGEMENTS_FILE, PROMPTS_DIR, BATCHES_DIR, folderPaths } from "./layout";
export { batchJournalPath, listBatchJournals } from "./batches";
export { sampleKey } from "./keys";
export { repairTail } from "./repair";
export { PromptStore, inflateRequest } from "./prompts";
export { scanSamples, readSamples, forEachSample, readSlimSamples, SampleWriter, openSampleWriter, type ScanResult, type SlimRecord } from "./samples";
export { compactSamples } from "./compact";
export { readJudgements, JudgementWriter, openJudgementWriter } from "./judgements";
export { readManifest, writeManifest, parseManifest, manifestText } from "./manifest";
export { loadRun, forEachLineBytes, forEachRecordLine, forEachSampleFacts, forEachJudgementRecord, type LoadedRun, type SampleLine } from "./load";
export { writeResultsFolder, type ResultsFolder } from "./folder";
export { folderStore, memoryStore, type ResultsStore, type RecordWriter } from "./results";
export { latestJudgement } from "./verdicts";
