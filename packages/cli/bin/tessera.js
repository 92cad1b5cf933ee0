#!/usr/bin/env node
// The `tessera` command: the compiled JavaScript in dist/ (built by `npm run build`, and by
// `prepack` before every tarball), run by plain Node with no TypeScript loader.
import '../dist/main.js'
