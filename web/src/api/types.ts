// Types mirroring the HTTP API (the one place the web app describes it).

export type Role = 'admin' | 'archivist' | 'reviewer' | 'submitter' | 'viewer';

export interface RepositoryRef {
  id: string;
  code: string;
  name: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  repository: RepositoryRef;
}

export interface LocalizedMessage {
  zh: string;
  en: string;
}

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: LocalizedMessage;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Repository {
  id: string;
  code: string;
  name: string;
  level: 'city' | 'county';
  regionCode: string;
  regionName: string;
  parentId: string | null;
}

export type ProjectType = 'building' | 'municipal';

export interface Project {
  id: string;
  repositoryId: string;
  projectCode: string;
  name: string;
  projectType: ProjectType;
  builderName: string;
  builderUscc: string;
  regionCode: string;
  address: string;
  buildingCount: number;
  unitProjectCount: number;
}

export interface Location {
  lon: number;
  lat: number;
}

export interface Building {
  id: string;
  projectId: string;
  buildingCode: string;
  name: string;
  address: string;
  location: Location | null;
}

export interface UnitProject {
  id: string;
  projectId: string;
  buildingId: string | null;
  code: string;
  name: string;
  volumeCount: number;
}

export interface ProjectDetail {
  project: Project;
  buildings: Building[];
  unitProjects: UnitProject[];
}

export interface UnitProjectDetail {
  unitProject: UnitProject;
  project: { id: string; name: string; repositoryId: string };
}

export type VolumeCategory = 'A' | 'B' | 'C' | 'D' | 'E';
export type Retention = 'permanent' | 'long' | 'short';
export type Classification = 'none' | 'internal' | 'confidential' | 'secret';
export type Access = 'open' | 'restricted';

export interface Volume {
  id: string;
  unitProjectId: string;
  archivalCode: string;
  title: string;
  category: VolumeCategory;
  year: number;
  retention: Retention;
  classification: Classification;
  access: Access;
  recordCount: number;
}

export interface VolumeDetail {
  volume: Volume;
  unitProject: { id: string; name: string };
  project: { id: string; name: string; repositoryId: string };
}

export interface Component {
  id: string;
  fileName: string;
  size: number;
  format: string;
  sha256: string;
  sm3: string;
}

export interface ArchiveRecord {
  id: string;
  volumeId: string;
  seq: number;
  title: string;
  author: string;
  date: string | null;
  docNumber: string;
  pages: number;
  category: string;
  subclass: string;
  components: Component[];
}
