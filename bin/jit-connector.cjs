#!/usr/bin/env node
// Runs the connector's TypeScript entry point through tsx, so the bin works from a checkout without a build.
require('tsx/cjs');
require('../src/connector/cli.ts');
