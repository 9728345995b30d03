/**
 * Integration tests need real parts (sshd, PostgreSQL, …). Locally, a missing part skips
 * the test with a message that says how to install it; with OSTIARY_REQUIRE_INTEGRATION=1
 * (as in CI) it fails instead, so nothing ever skips silently there.
 */
export const integrationRequired = process.env.OSTIARY_REQUIRE_INTEGRATION === '1';

/**
 * Returns `false` when the part is there, a skip reason when it is not (locally), and
 * throws when it is not and integration is required. Use as `{ skip: await requirePart(…) }`.
 */
export async function requirePart(
  part: string,
  probe: () => Promise<boolean> | boolean,
  howToInstall: string,
): Promise<string | false> {
  let available = false;
  try {
    available = await probe();
  } catch {
    available = false;
  }
  if (available) return false;
  const message = `${part} is not available here; ${howToInstall}`;
  if (integrationRequired) throw new Error(`OSTIARY_REQUIRE_INTEGRATION=1: ${message}`);
  return message;
}
