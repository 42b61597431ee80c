#!/usr/bin/env node
// Thin launcher: the CLI bundled from src/ lives in dist/bundle/ (npm run build; see scripts/bundle.mjs).
import "../dist/bundle/run.js";
