// 行政区划代码 (GB/T 2260) — a small, versioned seed table; data only. Digest §8.4.
// The full national table must be imported from the official list (民政部 / 国家统计局) — this is a seed.
//
// Versioning: an entry is valid on day d when validFrom <= d < validTo (validTo is exclusive; absent = still valid).
// REGION_TABLE_HORIZON is used as validFrom when a unit existed before the horizon: it means
// "valid since at least this date"; earlier history is not recorded here.

export type RegionLevel = 'province' | 'prefecture' | 'county';

export type RegionEntry = {
  /** 6-digit GB/T 2260 code. */
  code: string;
  name: string;
  level: RegionLevel;
  /** Code of the parent unit, null for provinces. */
  parent: string | null;
  /** First day of validity, 'YYYY-MM-DD' (inclusive). */
  validFrom: string;
  /** Day the unit ceased to exist, 'YYYY-MM-DD' (exclusive); absent while current. */
  validTo?: string;
  /** Provenance or caveat. */
  note?: string;
};

export const REGION_TABLE_HORIZON = '2000-01-01';
const H = REGION_TABLE_HORIZON;

const province = (code: string, name: string): RegionEntry => ({
  code,
  name,
  level: 'province',
  parent: null,
  validFrom: H,
});

// 国函〔2014〕139号 approved 撤销陵县、设立德州市陵城区 on 2014-10-20 (as reported by the press and the
// 民政部 change notice "截至十月二十日"); the inauguration was 2014-12-19. Treat the switch date as approximate.
const LINGCHENG_SWITCH = '2014-10-20';

const ENTRIES: RegionEntry[] = [
  // All 34 provincial-level units (stable since before the horizon).
  province('110000', '北京市'),
  province('120000', '天津市'),
  province('130000', '河北省'),
  province('140000', '山西省'),
  province('150000', '内蒙古自治区'),
  province('210000', '辽宁省'),
  province('220000', '吉林省'),
  province('230000', '黑龙江省'),
  province('310000', '上海市'),
  province('320000', '江苏省'),
  province('330000', '浙江省'),
  province('340000', '安徽省'),
  province('350000', '福建省'),
  province('360000', '江西省'),
  province('370000', '山东省'),
  province('410000', '河南省'),
  province('420000', '湖北省'),
  province('430000', '湖南省'),
  province('440000', '广东省'),
  province('450000', '广西壮族自治区'),
  province('460000', '海南省'),
  province('500000', '重庆市'),
  province('510000', '四川省'),
  province('520000', '贵州省'),
  province('530000', '云南省'),
  province('540000', '西藏自治区'),
  province('610000', '陕西省'),
  province('620000', '甘肃省'),
  province('630000', '青海省'),
  province('640000', '宁夏回族自治区'),
  province('650000', '新疆维吾尔自治区'),
  province('710000', '台湾省'),
  province('810000', '香港特别行政区'),
  province('820000', '澳门特别行政区'),

  // 北京市. Municipalities have no real prefecture level; the 市辖区 placeholder (110100) of older
  // editions is not listed, so districts hang directly under the province-level unit.
  { code: '110101', name: '东城区', level: 'county', parent: '110000', validFrom: H },

  // 江苏省
  { code: '320500', name: '苏州市', level: 'prefecture', parent: '320000', validFrom: H },
  {
    code: '320571',
    name: '苏州工业园区',
    level: 'county',
    parent: '320500',
    validFrom: H,
    note: '国家统计局统计用区划代码（功能区），不在民政部行政区划代码表中；起始日期未核实 ❓',
  },

  // 山东省 德州市 and its county-level divisions.
  { code: '371400', name: '德州市', level: 'prefecture', parent: '370000', validFrom: H },
  { code: '371402', name: '德城区', level: 'county', parent: '371400', validFrom: H },
  { code: '371422', name: '宁津县', level: 'county', parent: '371400', validFrom: H },
  { code: '371423', name: '庆云县', level: 'county', parent: '371400', validFrom: H },
  { code: '371424', name: '临邑县', level: 'county', parent: '371400', validFrom: H },
  { code: '371425', name: '齐河县', level: 'county', parent: '371400', validFrom: H },
  { code: '371426', name: '平原县', level: 'county', parent: '371400', validFrom: H },
  { code: '371427', name: '夏津县', level: 'county', parent: '371400', validFrom: H },
  { code: '371428', name: '武城县', level: 'county', parent: '371400', validFrom: H },
  { code: '371481', name: '乐陵市', level: 'county', parent: '371400', validFrom: H },
  { code: '371482', name: '禹城市', level: 'county', parent: '371400', validFrom: H },
  // History: 陵县 → 陵城区 (kept after the current rows on purpose; look-ups sort by code).
  {
    code: '371421',
    name: '陵县',
    level: 'county',
    parent: '371400',
    validFrom: H,
    validTo: LINGCHENG_SWITCH,
    note: '2014 年撤销，设立陵城区（国函〔2014〕139号）；截止日期为批复日，近似 🟡',
  },
  {
    code: '371403',
    name: '陵城区',
    level: 'county',
    parent: '371400',
    validFrom: LINGCHENG_SWITCH,
    note: '由陵县改设（国函〔2014〕139号）；起始日期为批复日，近似 🟡',
  },
  // 320193 (seen in a real project code) is deliberately absent: not found in GB/T 2260 or NBS lists ❓.
];

/** The seed table, frozen; suitable for seeding a database table. */
export const REGION_TABLE: readonly Readonly<RegionEntry>[] = Object.freeze(ENTRIES.map((e) => Object.freeze({ ...e })));
