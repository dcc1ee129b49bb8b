package com.journeyanalytics.jobs.serving;

import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2's CUSTOM authentication provider for the SQL endpoint: user and password checked
 * against the endpoint's {@link UsersFile}. HiveServer2 builds a provider per login from a fresh
 * Hive configuration (not the session's), so the endpoint hands over its users file here.
 */
public final class UsersFileAuthenticator implements PasswdAuthenticationProvider {

  private static volatile UsersFile users;

  static void use(UsersFile file) {
    users = file;
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    UsersFile current = users;
    if (current == null || user == null || password == null || !current.verify(user, password)) {
      // Same message whatever was wrong, so that it does not tell which users exist.
      throw new AuthenticationException("wrong user name or password");
    }
  }
}
