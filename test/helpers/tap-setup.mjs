// Loaded into every test process (package.json "tap" "node-arg"), after tap's own coverage has started here.
// The processes the tests start record no coverage: most run TypeScript through tsx, whose whitespace-minified
// output maps back to one statement per file, and tap merges coverage by file before mapping it, so such a child
// could replace a test process's real figures for the files both loaded (which one wins varies from run to run).
process.env._TAPJS_PROCESSINFO_COVERAGE_ = '0'
