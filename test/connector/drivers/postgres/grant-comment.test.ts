import { decodeGrantComment, encodeGrantComment } from '../../../../src/connector/drivers/postgres/grant-comment';

describe('grant comment', () => {
  it('round-trips a grant id and its target', () => {
    const comment = encodeGrantComment({ grantId: 'SD-123.1', target: 'orders-prod' });
    expect(comment).toBe('jit:{"grantId":"SD-123.1","target":"orders-prod"}');
    expect(decodeGrantComment(comment)).toEqual({ grantId: 'SD-123.1', target: 'orders-prod' });
  });

  it('reads a comment written before targets were recorded as having no target', () => {
    expect(decodeGrantComment('jit:{"grantId":"SD-1"}')).toEqual({ grantId: 'SD-1', target: null });
  });

  it.each([[null], ['a comment someone wrote'], ['jit:'], ['jit:{"grantId":'], ['jit:{"grantId":42}'], ['jit:{"grantId":""}'], ['jit:[]'], ['jit:{"grantId":"a","target":""}']])(
    '%j reads as no grant',
    (comment) => {
      expect(decodeGrantComment(comment)).toBeNull();
    },
  );
});
