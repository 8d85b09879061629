#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built from src/ by `npm run build`).
import { cli } from '../dist/cli/main.js';

await cli();
