export { tagVerdict, type TagVerdict } from "../scenario/tags"; export { looksLikeRefusal } from "../scenario/refusal";
