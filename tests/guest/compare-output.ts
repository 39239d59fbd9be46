/** Describing how an emulator's output differs from the recorded one. */

/** The first line where two outputs differ, with both versions; undefined when equal. */
export function firstDifference(expected: string, actual: string): string | undefined {
  if (expected === actual) return undefined;
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const show = (line: string | undefined) => (line === undefined ? '<end of output>' : JSON.stringify(line));
  let i = 0;
  while (expectedLines[i] === actualLines[i]) i++; // terminates: the strings differ
  return (
    `first difference at line ${i + 1}:\n` +
    `  expected: ${show(expectedLines[i])}\n` +
    `  actual:   ${show(actualLines[i])}\n` +
    `  (expected ${expectedLines.length} lines, got ${actualLines.length})`
  );
}
