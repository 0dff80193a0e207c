/** Errors are values with a stable code and a bilingual message, raised at the edge (STYLE.md §5). */
export type Bilingual = { zh: string; en: string };

export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly bilingual: Bilingual;
  readonly details: unknown;

  constructor(statusCode: number, code: string, message: Bilingual, details?: unknown) {
    super(`${code}: ${message.en}`);
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    this.bilingual = message;
    this.details = details;
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = { statusCode: this.statusCode, code: this.code, message: this.bilingual };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export type ErrorBody = { statusCode: number; code: string; message: Bilingual; details?: unknown };

export const badRequest = (code: string, zh: string, en: string, details?: unknown) =>
  new AppError(400, code, { zh, en }, details);
export const unauthorized = (code: string, zh: string, en: string) => new AppError(401, code, { zh, en });
export const forbidden = (code: string, zh: string, en: string) => new AppError(403, code, { zh, en });
export const notFound = (code: string, zh: string, en: string) => new AppError(404, code, { zh, en });
export const conflict = (code: string, zh: string, en: string, details?: unknown) =>
  new AppError(409, code, { zh, en }, details);
