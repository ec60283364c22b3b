// Resolve and load packages from the library's own folder, whatever module
// system runs it: lib code cannot read import.meta (tslab compiles it to
// CommonJS) and an ES module has no require of its own, so both ask this file.
"use strict";
exports.resolvePackage = function resolvePackage(id) {
  return require.resolve(id);
};
exports.requirePackage = function requirePackage(id) {
  return require(id);
};
