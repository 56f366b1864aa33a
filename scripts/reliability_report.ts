/**
 * Writing measured figures into `RELIABILITY.md`: each producer (`deno task mutants`,
 * `deno task bench chaos`) owns the block between its `<!-- reliability:NAME -->` markers, so
 * each can be re-run alone. The file is then put through `deno fmt`, so what is written is what
 * `deno fmt --check` expects.
 *
 * @module
 */

const FILE = new URL("../RELIABILITY.md", import.meta.url).pathname;

/** Replaces (or appends) section `name` of RELIABILITY.md with `body`, then formats the file. */
export async function writeReliabilitySection(name: string, body: string): Promise<void> {
  const text = await Deno.readTextFile(FILE);
  const open = `<!-- reliability:${name} -->`;
  const close = `<!-- /reliability:${name} -->`;
  const block = `${open}\n\n${body.trim()}\n\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const updated = start >= 0 && end > start
    ? text.slice(0, start) + block + text.slice(end + close.length)
    : `${text.trimEnd()}\n\n${block}\n`;
  await Deno.writeTextFile(FILE, updated);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", FILE],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno fmt ${FILE} failed:\n${new TextDecoder().decode(stderr)}`);
}
