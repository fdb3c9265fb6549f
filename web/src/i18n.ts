// All user-visible text, Vietnamese first. `en` must have exactly the keys of `vi` (checked
// by the type), so a missing translation is a build error rather than a blank on screen.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { venuesEn, venuesVi } from './i18n-venues';
import { declarationsEn, declarationsVi } from './i18n-declarations';
import { casesEn, casesVi } from './i18n-cases';
import { notifyEn, notifyVi } from './i18n-notify';
import { monitoringEn, monitoringVi } from './i18n-monitoring';
import { errorsEn, errorsVi } from './i18n-errors';
import { identityEn, identityVi } from './i18n-identity';
import { homesEn, homesVi } from './i18n-homes';
import { testingEn, testingVi } from './i18n-testing';
import { levelsEn, levelsVi } from './i18n-levels';
import { dashboardEn, dashboardVi } from './i18n-dashboard';
import { feedbackEn, feedbackVi } from './i18n-feedback';
import { vaccinationEn, vaccinationVi } from './i18n-vaccination';
import { trustEn, trustVi } from './i18n-trust';
import { safetyEn, safetyVi } from './i18n-safety';
import { organisationsEn, organisationsVi } from './i18n-organisations';
import { dataRequestsEn, dataRequestsVi } from './i18n-datarequests';

const vi = {
  ...venuesVi,
  ...declarationsVi,
  ...casesVi,
  ...testingVi,
  ...notifyVi,
  ...monitoringVi,
  ...errorsVi,
  ...identityVi,
  ...homesVi,
  ...levelsVi,
  ...dashboardVi,
  ...feedbackVi,
  ...vaccinationVi,
  ...trustVi,
  ...safetyVi,
  ...organisationsVi,
  ...dataRequestsVi,
  appName: 'khaibao',
  tagline: 'Khai báo y tế · Mã QR · Quét mã địa điểm',
  langLabel: 'Ngôn ngữ',
  signOut: 'Đăng xuất',
  loading: 'Đang tải…',
  retry: 'Thử lại',
  back: 'Quay lại',
  cancel: 'Hủy',
  waitSeconds: '{n} giây',
  waitMinutes: '{n} phút',

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
  codeAlreadySent: 'Mã vừa được gửi đến số này và vẫn dùng được: hãy nhập mã đó.',
  staffLink: 'Cán bộ, nhân viên địa điểm: đăng nhập bằng tài khoản',
  citizenLink: 'Người dân: đăng nhập bằng số điện thoại',

  staffLoginTitle: 'Đăng nhập cán bộ',
  staffLoginIntro: 'Dành cho cán bộ y tế, nhân viên địa điểm và quản trị viên.',
  usernameLabel: 'Tên đăng nhập',
  passwordLabel: 'Mật khẩu',
  signIn: 'Đăng nhập',

  hello: 'Xin chào',
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
  passwordHint: 'Ít nhất 10 ký tự.',
  changePasswordTitle: 'Đổi mật khẩu',
  changePasswordRequired: 'Bạn vừa đăng nhập bằng mật khẩu dùng một lần. Hãy đặt mật khẩu của riêng bạn để tiếp tục.',
  oneTimePasswordLabel: 'Mật khẩu dùng một lần',
  currentPasswordLabel: 'Mật khẩu hiện tại',
  newPasswordLabel: 'Mật khẩu mới',
  repeatPasswordLabel: 'Nhập lại mật khẩu mới',
  changePasswordSubmit: 'Đổi mật khẩu',
  passwordChanged: 'Đã đổi mật khẩu.',
  accountsTitle: 'Tài khoản',
  accountSearchLabel: 'Tên đăng nhập hoặc số điện thoại',
  allRoles: 'Mọi vai trò',
  allAreas: 'Mọi khu vực',
  search: 'Tìm',
  loadMore: 'Xem thêm',
  accountDisabled: 'Đã khoá',
  mustChangePassword: 'Chờ đổi mật khẩu',
  yourAccount: 'Bạn',
  lastSignIn: 'Đăng nhập gần nhất {at}',
  neverSignedIn: 'Chưa đăng nhập',
  disableAccount: 'Khoá tài khoản',
  enableAccount: 'Mở khoá',
  disableConfirmTitle: 'Khoá tài khoản {name}?',
  disableConfirmText: 'Tài khoản sẽ bị đăng xuất ngay trên mọi thiết bị và không đăng nhập được cho đến khi được mở khoá. Dữ liệu của tài khoản được giữ nguyên.',
  resetPassword: 'Cấp mật khẩu mới',
  resetConfirmTitle: 'Cấp mật khẩu mới cho {name}?',
  resetConfirmText: 'Mật khẩu hiện tại sẽ hết hiệu lực và tài khoản bị đăng xuất ngay. Bạn sẽ thấy một mật khẩu dùng một lần, chỉ hiện một lần; người dùng phải đổi nó ngay khi đăng nhập.',
  oneTimePasswordFor: 'Mật khẩu dùng một lần của {name}:',
  oneTimePasswordNote: 'Mật khẩu này chỉ hiện một lần và không được lưu. Hãy chuyển cho người dùng qua kênh an toàn; họ phải đổi nó khi đăng nhập.',

  notFound: 'Không tìm thấy trang.',
  goHome: 'Về trang chủ',
};

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  ...venuesEn,
  ...declarationsEn,
  ...casesEn,
  ...testingEn,
  ...notifyEn,
  ...monitoringEn,
  ...errorsEn,
  ...identityEn,
  ...homesEn,
  ...levelsEn,
  ...dashboardEn,
  ...feedbackEn,
  ...vaccinationEn,
  ...trustEn,
  ...safetyEn,
  ...organisationsEn,
  ...dataRequestsEn,
  appName: 'khaibao',
  tagline: 'Health declaration · QR code · Venue check-in',
  langLabel: 'Language',
  signOut: 'Sign out',
  loading: 'Loading…',
  retry: 'Try again',
  back: 'Back',
  cancel: 'Cancel',
  waitSeconds: '{n} s',
  waitMinutes: '{n} min',

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
  codeAlreadySent: 'A code was just sent to this number and still works: type it.',
  staffLink: 'Officials and venue staff: sign in with an account',
  citizenLink: 'Citizens: sign in with your phone number',

  staffLoginTitle: 'Staff sign-in',
  staffLoginIntro: 'For health officials, venue staff and administrators.',
  usernameLabel: 'Username',
  passwordLabel: 'Password',
  signIn: 'Sign in',

  hello: 'Hello',
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
  passwordHint: 'At least 10 characters.',
  changePasswordTitle: 'Change password',
  changePasswordRequired: 'You signed in with a one-time password. Choose your own password to go on.',
  oneTimePasswordLabel: 'One-time password',
  currentPasswordLabel: 'Current password',
  newPasswordLabel: 'New password',
  repeatPasswordLabel: 'New password again',
  changePasswordSubmit: 'Change password',
  passwordChanged: 'Password changed.',
  accountsTitle: 'Accounts',
  accountSearchLabel: 'Username or phone number',
  allRoles: 'All roles',
  allAreas: 'All areas',
  search: 'Search',
  loadMore: 'Show more',
  accountDisabled: 'Disabled',
  mustChangePassword: 'Password change pending',
  yourAccount: 'You',
  lastSignIn: 'Last signed in {at}',
  neverSignedIn: 'Never signed in',
  disableAccount: 'Disable account',
  enableAccount: 'Enable',
  disableConfirmTitle: 'Disable the account {name}?',
  disableConfirmText: 'The account is signed out at once on every device and cannot sign in until it is enabled again. Its data is kept.',
  resetPassword: 'New password',
  resetConfirmTitle: 'Give {name} a new password?',
  resetConfirmText: 'The current password stops working and the account is signed out at once. You will see a one-time password, shown only once; the person must change it when signing in.',
  oneTimePasswordFor: 'One-time password of {name}:',
  oneTimePasswordNote: 'This password is shown only once and is not stored. Pass it on through a safe channel; it must be changed at sign-in.',

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

/** The text of an error code (i18n-errors.ts) if we have one, else undefined (caller falls back). */
export function errorKey(code: string): MessageKey | undefined {
  const key = `err_${code}`;
  return key in errorsVi ? (key as MessageKey) : undefined;
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
