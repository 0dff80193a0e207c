/** The demo archive: 德州市 and two of its counties, three projects, described as GB/T 50328 volumes. */
export type DemoRecord = { title: string; author: string; date: string; docNumber: string; pages: number; subclass: string };
export type DemoVolume = {
  title: string; category: 'A' | 'B' | 'C' | 'D' | 'E'; subclass: string; year: number;
  retention: 'permanent' | 'long' | 'short'; access: 'open' | 'restricted'; classification: 'none' | 'internal' | 'confidential';
  records: DemoRecord[];
};
export type DemoUnit = { code: string; name: string; building: number | null; volumes: DemoVolume[] };
export type DemoProject = {
  repository: string; projectCode: string; name: string; projectType: 'building' | 'municipal';
  builderName: string; builderUsccBody: string; regionCode: string; address: string;
  buildings: { name: string; township: string; year: number; seq: number; address: string; lon: number; lat: number }[];
  units: DemoUnit[];
};

export const DEMO_REPOSITORIES = [
  { code: 'DZ', name: '德州市城建档案馆', level: 'city' as const, regionCode: '371400', parent: null },
  { code: 'DZ-QH', name: '齐河县城建档案馆', level: 'county' as const, regionCode: '371425', parent: 'DZ' },
  { code: 'DZ-YC', name: '禹城市城建档案馆', level: 'county' as const, regionCode: '371482', parent: 'DZ' },
];

/** 分类号-年度-项目号-案卷号 (e.g. A1-2023-0001-001): the digest marks the exact 城建 档号 composition unconfirmed, so it is per-repository data. */
export const DEMO_ARCHIVAL_CODE_RULE = '{category}-{year}-{projectSeq:4}-{volumeSeq:3}';

const rec = (title: string, author: string, date: string, docNumber: string, pages: number, subclass: string): DemoRecord =>
  ({ title, author, date, docNumber, pages, subclass });

export const DEMO_PROJECTS: DemoProject[] = [
  {
    repository: 'DZ', projectCode: '2303-371402-04-01-356821', name: '德州市文化中心综合楼工程', projectType: 'building',
    builderName: '德州市城市建设投资发展有限公司', builderUsccBody: '91371400MA3C4T8K1', regionCode: '371402',
    address: '山东省德州市德城区东风中路', buildings: [
      { name: '1#楼 综合楼主楼', township: '371402001', year: 2025, seq: 1, address: '德城区东风中路 1 号', lon: 116.3575, lat: 37.4341 },
      { name: '2#楼 配套用房', township: '371402001', year: 2025, seq: 2, address: '德城区东风中路 3 号', lon: 116.3581, lat: 37.4336 },
    ],
    units: [
      { code: 'DW-01', name: '综合楼主楼（1#楼）', building: 0, volumes: [
        { title: '德州市文化中心综合楼工程 立项及用地文件', category: 'A', subclass: 'A1', year: 2023, retention: 'permanent', access: 'open', classification: 'none', records: [
          rec('项目建议书批复文件及项目建议书', '德州市发展和改革委员会', '2023-03-15', '德发改投资〔2023〕41号', 2, 'A1'),
          rec('可行性研究报告批复文件及可行性研究报告', '德州市发展和改革委员会', '2023-05-08', '德发改投资〔2023〕77号', 3, 'A1'),
          rec('建设用地规划许可证及其附件', '德州市自然资源和规划局', '2023-06-20', '地字第371402202300018号', 1, 'A2'),
          rec('工程地质勘察报告', '山东省鲁北地质工程勘察院', '2023-07-11', 'KC-2023-112', 4, 'A3'),
        ] },
        { title: '德州市文化中心综合楼工程 施工记录（地基基础）', category: 'C', subclass: 'C5', year: 2024, retention: 'permanent', access: 'restricted', classification: 'none', records: [
          rec('工程定位测量记录', '山东德建建设集团有限公司', '2024-02-26', 'SG-CL-001', 1, 'C5'),
          rec('地基验槽记录', '山东德建建设集团有限公司', '2024-03-30', 'SG-YC-002', 2, 'C5'),
          rec('隐蔽工程验收记录（基础钢筋）', '山东德建建设集团有限公司', '2024-04-18', 'SG-YS-015', 2, 'C5'),
        ] },
        { title: '德州市文化中心综合楼工程 结构竣工图', category: 'D', subclass: 'D2', year: 2025, retention: 'permanent', access: 'restricted', classification: 'internal', records: [
          rec('结构竣工图（基础平面布置图）', '德州市建筑规划勘察设计研究院', '2025-05-20', 'JG-01', 1, 'D2'),
          rec('结构竣工图（一层梁配筋图）', '德州市建筑规划勘察设计研究院', '2025-05-20', 'JG-07', 1, 'D2'),
        ] },
      ] },
      { code: 'DW-02', name: '配套用房（2#楼）', building: 1, volumes: [
        { title: '德州市文化中心配套用房 竣工验收文件', category: 'E', subclass: 'E1', year: 2025, retention: 'permanent', access: 'open', classification: 'none', records: [
          rec('单位（子单位）工程质量竣工验收记录', '德州市城市建设投资发展有限公司', '2025-06-28', 'YS-2025-006', 2, 'E1'),
          rec('建设工程竣工验收备案表', '德州市住房和城乡建设局', '2025-07-10', '备案〔2025〕0215号', 1, 'E1'),
        ] },
      ] },
    ],
  },
  {
    repository: 'DZ-QH', projectCode: '2211-371425-04-01-218734', name: '齐河县实验中学教学楼工程', projectType: 'building',
    builderName: '齐河县教育和体育局', builderUsccBody: '11371425004418320', regionCode: '371425',
    address: '山东省德州市齐河县晏城街道', buildings: [
      { name: '教学楼', township: '371425001', year: 2024, seq: 1, address: '齐河县齐心大街 66 号', lon: 116.7583, lat: 36.7952 },
    ],
    units: [
      { code: 'DW-01', name: '教学楼', building: 0, volumes: [
        { title: '齐河县实验中学教学楼工程 监理文件', category: 'B', subclass: 'B1', year: 2023, retention: 'long', access: 'open', classification: 'none', records: [
          rec('监理规划', '山东齐鲁工程监理有限公司', '2023-02-10', 'JL-GH-01', 2, 'B1'),
          rec('监理月报（2023年3月）', '山东齐鲁工程监理有限公司', '2023-04-02', 'JL-YB-03', 1, 'B1'),
        ] },
        { title: '齐河县实验中学教学楼工程 施工试验记录', category: 'C', subclass: 'C6', year: 2023, retention: 'permanent', access: 'restricted', classification: 'none', records: [
          rec('混凝土抗压强度试验报告', '齐河县建设工程质量检测中心', '2023-06-12', 'JC-2023-0457', 1, 'C6'),
          rec('钢筋连接接头试验报告', '齐河县建设工程质量检测中心', '2023-06-15', 'JC-2023-0463', 1, 'C6'),
        ] },
      ] },
    ],
  },
  {
    repository: 'DZ-YC', projectCode: '2209-371482-04-01-604215', name: '禹城市人民医院门诊楼工程', projectType: 'building',
    builderName: '禹城市人民医院', builderUsccBody: '12371482494990283', regionCode: '371482',
    address: '山东省德州市禹城市行政街', buildings: [
      { name: '门诊楼', township: '371482001', year: 2024, seq: 1, address: '禹城市行政街 181 号', lon: 116.6385, lat: 36.9340 },
    ],
    units: [
      { code: 'DW-01', name: '门诊楼', building: 0, volumes: [
        { title: '禹城市人民医院门诊楼工程 竣工验收文件', category: 'E', subclass: 'E1', year: 2024, retention: 'permanent', access: 'open', classification: 'none', records: [
          rec('工程竣工验收报告', '禹城市人民医院', '2024-09-26', 'YS-2024-031', 3, 'E1'),
          rec('规划、消防、环保等部门出具的认可文件', '禹城市住房和城乡建设局', '2024-09-20', '禹建认〔2024〕12号', 1, 'E1'),
        ] },
      ] },
    ],
  },
];

export type DemoUser = {
  username: string; displayName: string; role: 'admin' | 'archivist' | 'reviewer' | 'submitter' | 'viewer'; repository: string;
  unitUsccBody?: string; projects?: number[];
};

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', repository: 'DZ' },
  { username: 'archivist', displayName: '王档案', role: 'archivist', repository: 'DZ' },
  { username: 'reviewer', displayName: '李审核', role: 'reviewer', repository: 'DZ' },
  { username: 'submitter', displayName: '山东德建建设集团 资料员', role: 'submitter', repository: 'DZ', unitUsccBody: '91371400168320467', projects: [0] },
  { username: 'viewer', displayName: '张查阅', role: 'viewer', repository: 'DZ' },
  { username: 'county-archivist', displayName: '齐河县 档案员', role: 'archivist', repository: 'DZ-QH' },
  { username: 'yucheng-archivist', displayName: '禹城市 档案员', role: 'archivist', repository: 'DZ-YC' },
];
