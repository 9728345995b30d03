/** `rotation` + `policy` → `rotation.policy`; with no prefix (an API body) just `policy`. */
export function fieldAt(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}
