import type { State, User } from '../state';

function avatarUrls(state: State, accountId: string): Record<'16x16' | '24x24' | '32x32' | '48x48', string> {
  const url = (size: number) => `${state.baseUrl}/secure/useravatar?size=${size}&accountId=${encodeURIComponent(accountId)}`;
  return { '16x16': url(16), '24x24': url(24), '32x32': url(32), '48x48': url(48) };
}

const userSelf = (state: State, accountId: string) => `${state.baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`;

/** Jira platform `UserDetails` (issue fields, comment authors, group members). */
export function userDetails(state: State, user: User) {
  return {
    self: userSelf(state, user.accountId),
    accountId: user.accountId,
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrls(state, user.accountId),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    accountType: user.accountType,
  };
}

/** Jira platform `User` (GET /user, /myself, /user/search). */
export function platformUser(state: State, user: User) {
  return { ...userDetails(state, user), locale: 'en_US' };
}

/** JSM `UserDTO`. */
export function jsmUser(state: State, user: User) {
  return {
    accountId: user.accountId,
    emailAddress: user.emailAddress,
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    _links: { jiraRest: userSelf(state, user.accountId), avatarUrls: avatarUrls(state, user.accountId), self: userSelf(state, user.accountId) },
  };
}

export function requireUser(state: State, accountId: string): User {
  const user = state.users.get(accountId);
  if (!user) throw new Error(`user ${accountId} vanished`);
  return user;
}
