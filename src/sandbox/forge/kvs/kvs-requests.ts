import { z } from 'zod';
import { CONDITIONS, filtersSchema } from './filter-conditions';

// Request bodies exactly as @forge/kvs 1.6.x sends them (storage-api.js, query.js, entity-query.js,
// transaction-request-builder.js). Strict objects: a field an upgrade adds fails loudly instead of being ignored.
const metadataFields = z.array(z.enum(['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME']));
const getOptions = z.strictObject({ metadataFields: metadataFields.optional() });
const ttl = z.strictObject({ value: z.number(), unit: z.enum(['SECONDS', 'MINUTES', 'HOURS', 'DAYS']) });
const setOptions = z.strictObject({
  ttl: ttl.optional(),
  keyPolicy: z.enum(['OVERRIDE', 'FAIL_IF_EXISTS']).optional(),
  returnValue: z.enum(['PREVIOUS', 'LATEST']).optional(),
  returnMetadataFields: metadataFields.optional(),
});
const plainSetOptions = z.strictObject({ ttl: ttl.optional() });
const entityName = z.string();

export const getRequest = z.strictObject({ key: z.string(), options: getOptions.optional() });
export const entityGetRequest = getRequest.extend({ entityName });
export const setRequest = z.strictObject({ key: z.string(), value: z.unknown(), options: setOptions.optional() });
export const entitySetRequest = setRequest.extend({ entityName });
export const deleteRequest = z.strictObject({ key: z.string() });
export const entityDeleteRequest = deleteRequest.extend({ entityName });

export const queryRequest = z.strictObject({
  limit: z.number().optional(),
  after: z.string().optional(),
  where: z
    .array(z.strictObject({ property: z.literal('key'), condition: z.literal('BEGINS_WITH'), values: z.tuple([z.string()]) }))
    .max(1)
    .optional(),
  options: getOptions.optional(),
});

export const entityQueryRequest = z.strictObject({
  entityName,
  indexName: z.string(),
  partition: z.array(z.unknown()).optional(),
  range: z.strictObject({ condition: z.enum(CONDITIONS), values: z.array(z.unknown()) }).optional(),
  filters: filtersSchema.optional(),
  sort: z.enum(['ASC', 'DESC']).optional(),
  cursor: z.string().optional(),
  limit: z.number().optional(),
  options: getOptions.optional(),
});

export const batchSetRequest = z.array(
  z.strictObject({ entityName: entityName.optional(), key: z.string(), value: z.unknown(), options: plainSetOptions.optional() }),
);
export const batchGetRequest = z.array(
  z.strictObject({ entityName: entityName.optional(), key: z.string(), options: getOptions.optional() }),
);
export const batchDeleteRequest = z.array(z.strictObject({ entityName: entityName.optional(), key: z.string() }));

export const transactionRequest = z.strictObject({
  set: z
    .array(
      z.strictObject({
        key: z.string(),
        value: z.unknown(),
        entityName: entityName.optional(),
        conditions: filtersSchema.optional(),
        options: plainSetOptions.optional(),
      }),
    )
    .optional(),
  delete: z
    .array(z.strictObject({ key: z.string(), entityName: entityName.optional(), conditions: filtersSchema.optional() }))
    .optional(),
  check: z.array(z.strictObject({ key: z.string(), entityName, conditions: filtersSchema })).optional(),
});

export type MetadataFields = z.infer<typeof metadataFields>;
