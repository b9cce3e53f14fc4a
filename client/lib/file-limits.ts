/**
 * What the server would refuse in a set of chosen files before reading their content: the files past
 * the count limit, those over the size limit, empty ones (`attachments/uploads.ts` decides the same,
 * in the same order: a file past the count is not looked at further).
 */
export interface FileLimits {
  maxFiles: number;
  maxBytes: number;
}

export interface FileProblem {
  name: string;
  problem: 'too_many' | 'too_large' | 'empty';
}

export function fileProblems(files: ReadonlyArray<{ name: string; size: number }>, limits: FileLimits): FileProblem[] {
  const problems: FileProblem[] = [];
  files.forEach((file, index) => {
    if (index >= limits.maxFiles) problems.push({ name: file.name, problem: 'too_many' });
    else if (file.size > limits.maxBytes) problems.push({ name: file.name, problem: 'too_large' });
    else if (file.size === 0) problems.push({ name: file.name, problem: 'empty' });
  });
  return problems;
}
