// The one place the web app talks to the server (JSON under /api/v1). Every failure becomes
// an ApiError carrying the server's {code, message, field}, or code "network" when there
// was no answer at all.

import { forgetCachedQrs } from './lib/personalQr';
import { forgetBook } from './lib/healthBook';

const TOKEN_KEY = 'kb_token';
/** Dispatched on window when the server answers password_change_required (app.tsx listens). */
export const PASSWORD_CHANGE_EVENT = 'kb:password-change-required';

export type Role = 'citizen' | 'venue_staff' | 'official' | 'admin';

export interface Jurisdiction {
  level: 'national' | 'province' | 'ward';
  code: string | null;
  name: string | null;
}

export interface Me {
  id: number | string;
  role: Role;
  phone: string | null;
  username: string | null;
  jurisdiction: Jurisdiction | null;
  /** Signed in with a one-time password: only changing it is allowed until then. */
  must_change_password: boolean;
}

/** An account as administrators see it. */
export interface Account extends Me {
  id: number;
  disabled: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

export interface AccountQuery {
  q?: string;
  role?: Role | '';
  jurisdiction?: string;
  before?: number;
}

export interface Session {
  token: string;
  expires_at: string;
  user: Me;
}

export interface OtpSent {
  phone: string;
  expires_in: number;
  resend_after: number;
}

export interface Area {
  code: string;
  name: string;
}

export interface CreatedStaff {
  id: number | string;
  username: string;
  role: Role;
  jurisdiction: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** 429: seconds until asking again can succeed, when the server knows. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: the session lasts for this page only */
  }
  if (!token) void forgetCachedQrs();  // signed out: the codes kept offline go too
  if (!token) forgetBook();  // and the health book's certificates
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; field?: string; retry_after?: number } })?.error;
    const err = new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText,
      e?.field ?? undefined, e?.retry_after ?? undefined);
    // A session that must change its one-time password can do nothing else: say so once, here.
    if (err.code === 'password_change_required') window.dispatchEvent(new Event(PASSWORD_CHANGE_EVENT));
    throw err;
  }
  return json as T;
}

export const api = {
  requestOtp: (phone: string) => request<OtpSent>('POST', '/auth/otp', { phone }),
  verifyOtp: (phone: string, code: string) =>
    request<Session>('POST', '/auth/otp/verify', { phone, code }),
  login: (username: string, password: string) =>
    request<Session>('POST', '/auth/login', { username, password }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Me>('GET', '/me'),
  provinces: () => request<Area[]>('GET', '/areas/provinces'),
  wards: (provinceCode: string) =>
    request<Area[]>('GET', `/areas/provinces/${encodeURIComponent(provinceCode)}/wards`),
  changePassword: (current: string, next: string) =>
    request<void>('POST', '/me/password', { current_password: current, new_password: next }),
  createStaff: (u: { username: string; password: string; role: Role; jurisdiction?: string }) =>
    request<CreatedStaff>('POST', '/admin/users', u),
  accounts: (query: AccountQuery) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return request<{ accounts: Account[]; next_before: number | null }>('GET', `/admin/accounts${qs ? `?${qs}` : ''}`);
  },
  setDisabled: (id: number, disabled: boolean) =>
    request<Account>('POST', `/admin/accounts/${id}/${disabled ? 'disable' : 'enable'}`),
  resetPassword: (id: number) =>
    request<{ account: Account; one_time_password: string }>('POST', `/admin/accounts/${id}/password-reset`),
};

/** Fetches a file the API serves only to a signed-in user and saves it (posters, CSV). */
export async function download(path: string, filename: string): Promise<void> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { headers });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!res.ok) {
    let e: { code?: string; message?: string; field?: string } | undefined;
    try { e = (await res.json())?.error; } catch { /* not JSON */ }
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.field);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
