/** A user changes their own password with passwd, as senhasegura's Linux template does (LC_ALL=C prompts). */
export const LINUX_CHANGE_OWN_PASSWORD = `expect "*$"
exec "passwd"
expect "Current password:"
exec "[#CURRENT_PASSWORD#]"
expect "New password:"
exec "[#NEW_PASSWORD#]"
expect "Retype new password:"
exec "[#NEW_PASSWORD#]"
expect "password updated successfully"
expect "*$"
end
`;

/** A PostgreSQL role changes its own password; the SQL dialect quotes the mask for its literal. */
export const POSTGRES_CHANGE_OWN_PASSWORD = "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'";

/** A MariaDB user changes their own password. */
export const MARIADB_CHANGE_OWN_PASSWORD = "SET PASSWORD FOR [#USERNAME#]@'%' = PASSWORD('[#NEW_PASSWORD#]')";
