export const dynamic = 'force-dynamic';

// Revenue figures come from a slow query: about a second.
export async function GET() {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return Response.json({ revenue: 1200 });
}
