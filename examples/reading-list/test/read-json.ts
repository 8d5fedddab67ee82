/** A response body as loosely typed JSON, for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
