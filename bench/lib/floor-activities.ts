// The floor workflow's only activity: returns its argument, touches nothing.
export async function noop(i: number): Promise<number> {
  return i;
}
