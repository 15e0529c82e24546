// Ceiling: a Worker that does nothing but answer.
export default {
  fetch: () => new Response('{"status":"success"}', { status: 202, headers: { 'content-type': 'application/json' } }),
};
