// tap's coverage-map: which files each test file's coverage counts. The package (src/) and the reference service.
// migrate-cli.test.ts runs `fastify-aws migrate` in its own process, which registers tsx there for the app's .ts table
// configs; sources loaded after that are tsx's whitespace-minified output, whose coverage would garble the merge.
export default (testFile) => (testFile.endsWith('test/record/migrate-cli.test.ts') ? null : ['src/**/*.ts', 'service/**/*.ts'])
