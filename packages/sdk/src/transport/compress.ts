/** gzip with the browser's CompressionStream, or null where it is missing (then the body goes plain). */
export async function gzip(text: string): Promise<Blob | null> {
  if (typeof CompressionStream === 'undefined') return null
  try {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))
    return await new Response(stream).blob()
  } catch {
    return null
  }
}
