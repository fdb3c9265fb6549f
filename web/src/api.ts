// The one place the web app talks to the server (JSON under /api/v1). Every failure becomes
// an ApiError carrying the server's {code, message, field}, or code "network" when there
// was no answer at all.

import { forgetCachedQrs } from './lib/personalQr';

const TOKEN_KEY = 'kb_token';

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
    const e = (json as { error?: { code?: string; message?: string; field?: string } })?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText,
      e?.field ?? undefined);
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
  createStaff: (u: { username: string; password: string; role: Role; jurisdiction: string }) =>
    request<CreatedStaff>('POST', '/admin/users', u),
};
