// All user-visible text, Vietnamese first. `en` must have exactly the keys of `vi` (checked
// by the type), so a missing translation is a build error rather than a blank on screen.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { venuesEn, venuesVi } from './i18n-venues';
import { declarationsEn, declarationsVi } from './i18n-declarations';
import { casesEn, casesVi } from './i18n-cases';
import { notifyEn, notifyVi } from './i18n-notify';

const vi = {
  ...venuesVi,
  ...declarationsVi,
  ...casesVi,
  ...notifyVi,
  appName: 'khaibao',
  tagline: 'Khai báo y tế · Mã QR · Quét mã địa điểm',
  langLabel: 'Ngôn ngữ',
  signOut: 'Đăng xuất',
  loading: 'Đang tải…',
  retry: 'Thử lại',
  back: 'Quay lại',
  cancel: 'Hủy',

  loginTitle: 'Đăng nhập',
  loginIntro: 'Nhập số điện thoại của bạn. Chúng tôi sẽ gửi mã xác thực gồm 6 chữ số qua SMS.',
  phoneLabel: 'Số điện thoại',
  phonePlaceholder: '0912 345 678',
  sendCode: 'Gửi mã',
  sending: 'Đang gửi…',
  codeSentTo: 'Mã xác thực đã được gửi đến',
  codeLabel: 'Mã xác thực (6 chữ số)',
  verify: 'Đăng nhập',
  verifying: 'Đang kiểm tra…',
  resend: 'Gửi lại mã',
  resendIn: 'Gửi lại mã sau {s} giây',
  changePhone: 'Đổi số điện thoại',
  staffLink: 'Cán bộ, nhân viên địa điểm: đăng nhập bằng tài khoản',
  citizenLink: 'Người dân: đăng nhập bằng số điện thoại',

  staffLoginTitle: 'Đăng nhập cán bộ',
  staffLoginIntro: 'Dành cho cán bộ y tế, nhân viên địa điểm và quản trị viên.',
  usernameLabel: 'Tên đăng nhập',
  passwordLabel: 'Mật khẩu',
  signIn: 'Đăng nhập',

  hello: 'Xin chào',
  citizenIntro: 'Các tính năng sẽ lần lượt có mặt tại đây.',
  comingSoon: 'Sắp có',
  featDeclaration: 'Khai báo y tế',
  featMyQr: 'Mã QR của tôi',
  featCheckin: 'Quét mã vào địa điểm',
  featInbox: 'Hộp thư thông báo',
  featVenues: 'Địa điểm của tôi',
  featScanner: 'Quét mã khách',

  role_citizen: 'Người dân',
  role_venue_staff: 'Nhân viên địa điểm',
  role_official: 'Cán bộ y tế',
  role_admin: 'Quản trị viên',
  roleLabel: 'Vai trò',
  jurisdiction: 'Phạm vi quản lý',
  jurNational: 'Toàn quốc',
  jurProvince: 'Tỉnh/thành phố',
  jurWard: 'Phường/xã',
  jurNone: 'Chưa được giao',

  areasTitle: 'Đơn vị hành chính',
  provincesCount: '{n} tỉnh/thành phố',
  wardsCount: '{n} phường/xã',
  wardsOf: 'Phường/xã thuộc {name}',
  filterLabel: 'Tìm theo tên hoặc mã',
  code: 'Mã',
  noMatch: 'Không có kết quả phù hợp.',

  createStaffTitle: 'Tạo tài khoản cán bộ',
  scopeLabel: 'Phạm vi',
  provinceLabel: 'Tỉnh/thành phố',
  wardLabel: 'Phường/xã',
  choose: '— Chọn —',
  create: 'Tạo tài khoản',
  creating: 'Đang tạo…',
  created: 'Đã tạo tài khoản {username} ({role}).',
  passwordHint: 'Ít nhất 8 ký tự.',

  err_required: 'Vui lòng nhập thông tin này.',
  err_invalid_phone: 'Số điện thoại không hợp lệ.',
  err_rate_limited: 'Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau.',
  err_wrong_code: 'Mã xác thực không đúng.',
  err_too_many_attempts: 'Nhập sai quá nhiều lần. Vui lòng yêu cầu mã mới.',
  err_code_expired: 'Mã xác thực đã hết hạn. Vui lòng yêu cầu mã mới.',
  err_bad_credentials: 'Tên đăng nhập hoặc mật khẩu không đúng.',
  err_unauthenticated: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
  err_network: 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.',
  err_code_format: 'Mã xác thực gồm 6 chữ số.',
  err_generic: 'Đã có lỗi xảy ra. Vui lòng thử lại.',
  notFound: 'Không tìm thấy trang.',
  goHome: 'Về trang chủ',
};

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  ...venuesEn,
  ...declarationsEn,
  ...casesEn,
  ...notifyEn,
  appName: 'khaibao',
  tagline: 'Health declaration · QR code · Venue check-in',
  langLabel: 'Language',
  signOut: 'Sign out',
  loading: 'Loading…',
  retry: 'Try again',
  back: 'Back',
  cancel: 'Cancel',

  loginTitle: 'Sign in',
  loginIntro: 'Enter your phone number. We will text you a 6-digit verification code.',
  phoneLabel: 'Phone number',
  phonePlaceholder: '0912 345 678',
  sendCode: 'Send code',
  sending: 'Sending…',
  codeSentTo: 'A verification code was sent to',
  codeLabel: 'Verification code (6 digits)',
  verify: 'Sign in',
  verifying: 'Checking…',
  resend: 'Resend code',
  resendIn: 'Resend code in {s} s',
  changePhone: 'Use another number',
  staffLink: 'Officials and venue staff: sign in with an account',
  citizenLink: 'Citizens: sign in with your phone number',

  staffLoginTitle: 'Staff sign-in',
  staffLoginIntro: 'For health officials, venue staff and administrators.',
  usernameLabel: 'Username',
  passwordLabel: 'Password',
  signIn: 'Sign in',

  hello: 'Hello',
  citizenIntro: 'Features will appear here as they become available.',
  comingSoon: 'Coming soon',
  featDeclaration: 'Health declaration',
  featMyQr: 'My QR code',
  featCheckin: 'Check in at a venue',
  featInbox: 'Notifications',
  featVenues: 'My venues',
  featScanner: 'Scan visitors',

  role_citizen: 'Citizen',
  role_venue_staff: 'Venue staff',
  role_official: 'Health official',
  role_admin: 'Administrator',
  roleLabel: 'Role',
  jurisdiction: 'Jurisdiction',
  jurNational: 'Nationwide',
  jurProvince: 'Province',
  jurWard: 'Ward/commune',
  jurNone: 'Not assigned',

  areasTitle: 'Administrative units',
  provincesCount: '{n} provinces',
  wardsCount: '{n} wards/communes',
  wardsOf: 'Wards/communes of {name}',
  filterLabel: 'Search by name or code',
  code: 'Code',
  noMatch: 'Nothing matches.',

  createStaffTitle: 'Create a staff account',
  scopeLabel: 'Scope',
  provinceLabel: 'Province',
  wardLabel: 'Ward/commune',
  choose: '— Choose —',
  create: 'Create account',
  creating: 'Creating…',
  created: 'Account {username} ({role}) created.',
  passwordHint: 'At least 8 characters.',

  err_required: 'Please fill this in.',
  err_invalid_phone: 'This phone number is not valid.',
  err_rate_limited: 'Too many requests. Please try again later.',
  err_wrong_code: 'The verification code is wrong.',
  err_too_many_attempts: 'Too many wrong codes. Please request a new code.',
  err_code_expired: 'The verification code has expired. Please request a new code.',
  err_bad_credentials: 'Wrong username or password.',
  err_unauthenticated: 'Your session has ended. Please sign in again.',
  err_network: 'Cannot reach the server. Check your connection and try again.',
  err_code_format: 'The verification code has 6 digits.',
  err_generic: 'Something went wrong. Please try again.',
  notFound: 'Page not found.',
  goHome: 'Go to home',
};

export type Lang = 'vi' | 'en';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = 'kb_lang';

export function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function storeLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice just lasts for this page */
  }
  document.documentElement.lang = lang;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, vars) => {
    let s = dict[key] ?? vi[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}

/** Message for an API error code if we have one, else undefined (caller falls back). */
export function errorKey(code: string): MessageKey | undefined {
  const key = `err_${code}`;
  return key in vi ? (key as MessageKey) : undefined;
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

export const I18nContext = createContext<I18n>({
  lang: 'vi',
  setLang: () => {},
  t: translator('vi'),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
