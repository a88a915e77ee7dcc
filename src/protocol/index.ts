export * from './schemas';
export * from './signature';
export * from './client';
export * from './sealed-credential';
export * from './activity-record-page';
