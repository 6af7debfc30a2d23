#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli and is compiled to dist/ by `npm ci` (prepare).
import "../dist/src/cli/main.js";
