/**
 * POSIX shell word splitting, as Python's shlex.split (the seeds' wrapper split --command with it):
 * whitespace separates words; '…' is literal; "…" keeps its text but a backslash escapes $ ` " \ and
 * newline; outside quotes a backslash escapes the next character. No expansion of any kind.
 */
export class ShellSyntaxError extends Error {
  override readonly name = "ShellSyntaxError";
}

export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 >= text.length) throw new ShellSyntaxError("No escaped character: the command ends in \\");
      const next = text[++i]!;
      if (next !== "\n") word += next;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError(`No closing quotation: ' at character ${i + 1}`);
      word += text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (;; j++) {
        if (j >= text.length) throw new ShellSyntaxError(`No closing quotation: " at character ${i + 1}`);
        const d = text[j]!;
        if (d === '"') break;
        if (d === "\\" && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== "\n") word += text[j + 1];
          j++;
        } else word += d;
      }
      i = j;
    } else word += c;
  }
  if (inWord) words.push(word);
  return words;
}
