#!/usr/bin/env node
// The `ferry` bin. npm links it at install, before the TypeScript is built, so it is a checked-in
// file that loads the compiled command.
require('../dist/ferry.js');
