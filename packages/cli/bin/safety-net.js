#!/usr/bin/env node
// The command's launcher. It is checked in, so that package managers can link it on the very first install; the
// code itself is built into dist/ (`pnpm build`).
import '../dist/bin.js';
