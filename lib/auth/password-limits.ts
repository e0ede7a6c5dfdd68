/** Longer inputs are refused before hashing so nobody can make us hash megabytes. */
export const MAX_PASSWORD_LENGTH = 256;
