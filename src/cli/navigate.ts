// Placeholder until this command group lands; replaced by its owner.
export const help = "not available yet";
export async function run(_argv: string[], command: string): Promise<number> {
  process.stderr.write(`codeintel: '${command}' is not available yet\n`);
  return 1;
}
