export function formatPrice(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}

export function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
