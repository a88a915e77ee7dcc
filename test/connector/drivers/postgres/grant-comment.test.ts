import { decodeGrantComment, encodeGrantComment } from '../../../../src/connector/drivers/postgres/grant-comment';

describe('grant comment', () => {
  it('round-trips a grant id', () => {
    expect(encodeGrantComment('SD-123.1')).toBe('jit:{"grantId":"SD-123.1"}');
    expect(decodeGrantComment(encodeGrantComment('SD-123.1'))).toBe('SD-123.1');
  });

  it.each([[null], ['a comment someone wrote'], ['jit:'], ['jit:{"grantId":'], ['jit:{"grantId":42}'], ['jit:{"grantId":""}'], ['jit:[]']])(
    '%j reads as no grant id',
    (comment) => {
      expect(decodeGrantComment(comment)).toBeNull();
    },
  );
});
