// The console renders in the browser: every page reads the API with the signed-in session.
export const ssr = false;
