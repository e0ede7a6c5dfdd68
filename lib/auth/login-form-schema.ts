import { z } from "zod";
import { loginIdSchema } from "./login-id";
import { MAX_PASSWORD_LENGTH } from "./password-limits";

export const loginFormSchema = z.object({
  loginId: loginIdSchema,
  password: z
    .string()
    .min(1, "Enter your password.")
    .max(MAX_PASSWORD_LENGTH, `A password has at most ${MAX_PASSWORD_LENGTH} characters.`),
  next: z.string().max(500).optional(),
});
