// The app's REST APIs: the admin API (/api, errors {"error": ...}) and the connectors' (/connectors, errors {"message": ...}).

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const reason = json && (json.error || json.message) || response.statusText;
    throw new ApiError(response.status, `${method} ${path}: ${response.status} ${reason}`);
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path) => call('PUT', path);
export const del = (path) => call('DELETE', path);
