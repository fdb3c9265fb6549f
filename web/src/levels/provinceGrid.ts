// A geographic tile grid of Vietnam's 34 provinces (Resolution 202/2025/QH15): one tile per
// province, placed where it lies (north at the top, the coast to the east), since no package
// with shapes of the 2025 provinces under a licence that allows redistribution exists. Each
// entry: province code, short label, column, row. The archipelagos are drawn with the map,
// always: Hoàng Sa (Đà Nẵng) off the centre coast, Trường Sa (Khánh Hòa) off the south.
export interface GridTile {
  code: string;
  label: string;
  col: number;
  row: number;
}

export const GRID_COLS = 7;
export const GRID_ROWS = 18;

export const PROVINCE_GRID: readonly GridTile[] = [
  { code: '12', label: 'LCh', col: 1, row: 0 },   // Lai Châu
  { code: '15', label: 'LCa', col: 2, row: 0 },   // Lào Cai
  { code: '08', label: 'TQ', col: 3, row: 0 },    // Tuyên Quang
  { code: '04', label: 'CB', col: 4, row: 0 },    // Cao Bằng
  { code: '11', label: 'ĐB', col: 0, row: 1 },    // Điện Biên
  { code: '14', label: 'SL', col: 1, row: 1 },    // Sơn La
  { code: '25', label: 'PT', col: 2, row: 1 },    // Phú Thọ
  { code: '19', label: 'TN', col: 3, row: 1 },    // Thái Nguyên
  { code: '20', label: 'LS', col: 4, row: 1 },    // Lạng Sơn
  { code: '01', label: 'HN', col: 2, row: 2 },    // Hà Nội
  { code: '24', label: 'BN', col: 3, row: 2 },    // Bắc Ninh
  { code: '22', label: 'QNi', col: 4, row: 2 },   // Quảng Ninh
  { code: '37', label: 'NB', col: 2, row: 3 },    // Ninh Bình
  { code: '33', label: 'HY', col: 3, row: 3 },    // Hưng Yên
  { code: '31', label: 'HP', col: 4, row: 3 },    // Hải Phòng
  { code: '38', label: 'TH', col: 2, row: 4 },    // Thanh Hóa
  { code: '40', label: 'NA', col: 2, row: 5 },    // Nghệ An
  { code: '42', label: 'HT', col: 3, row: 6 },    // Hà Tĩnh
  { code: '44', label: 'QT', col: 3, row: 7 },    // Quảng Trị
  { code: '46', label: 'Huế', col: 4, row: 8 },   // Huế
  { code: '48', label: 'ĐNg', col: 4, row: 9 },   // Đà Nẵng
  { code: '51', label: 'QNg', col: 4, row: 10 },  // Quảng Ngãi
  { code: '52', label: 'GL', col: 4, row: 11 },   // Gia Lai
  { code: '66', label: 'ĐL', col: 4, row: 12 },   // Đắk Lắk
  { code: '68', label: 'LĐ', col: 3, row: 13 },   // Lâm Đồng
  { code: '56', label: 'KH', col: 4, row: 13 },   // Khánh Hòa
  { code: '80', label: 'TNi', col: 1, row: 14 },  // Tây Ninh
  { code: '79', label: 'HCM', col: 2, row: 14 },  // Hồ Chí Minh City
  { code: '75', label: 'ĐNa', col: 3, row: 14 },  // Đồng Nai
  { code: '91', label: 'AG', col: 0, row: 15 },   // An Giang
  { code: '82', label: 'ĐT', col: 1, row: 15 },   // Đồng Tháp
  { code: '86', label: 'VL', col: 2, row: 15 },   // Vĩnh Long
  { code: '92', label: 'CT', col: 1, row: 16 },   // Cần Thơ
  { code: '96', label: 'CM', col: 1, row: 17 },   // Cà Mau
];

/** Where the archipelagos are drawn, in grid units, and the province each belongs to. */
export const ARCHIPELAGOS = [
  { key: 'hoangSa', province: '48', col: 5.6, row: 8.2 },
  { key: 'truongSa', province: '56', col: 5.3, row: 14.6 },
] as const;
