/** The torn-line repair lives in lib/util (every append-only journal uses it); the store re-exports it. */
export { repairTail } from "../util/repairTail";
