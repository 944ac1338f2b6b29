import type { Reporter, TestCase, TestModule } from "vitest/node";

/**
 * Ends the run with one plain line, "N passed, N failed, N skipped", that any CI log reader understands.
 * A test that never ran because its file or suite failed (a beforeAll that threw) counts as failed, not
 * skipped: otherwise a broken set-up would hide behind a skip count.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed" || insideFailedSuite(test)) failed++;
        else skipped++;
      }
      if (module.state() === "failed" && tests.length === 0) failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

/** Whether a suite or file around the test failed on its own (a hook that threw), not through another test. */
function insideFailedSuite(test: TestCase): boolean {
  for (let parent = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return true;
    if (parent.type === "module") return false;
  }
}
