// Placeholder replaced below once the lab exists.
export default async function setup(): Promise<void> {}
