/** Notebook execution: the in-process tslab runner and the per-notebook subprocess driver. */
export { runNotebook, NotebookSession, type RunNotebookOptions, type RunNotebookResult, type FailedCell } from "./runner";
export {
  listNotebooks,
  notebookName,
  selectNotebooks,
  runNotebooksInSubprocesses,
  defaultJobs,
  type NotebooksRunOptions,
  type NotebookOutcome,
} from "./subprocess";
export { readNotebook, serializeNotebook, cellSource, type Notebook, type NotebookCell, type CellOutput } from "./nbformat";
