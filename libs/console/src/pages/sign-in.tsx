import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { LoginForm, LoginPage } from '@patternfly/react-core';
import { ApiError } from '../api';
import { safeNext } from '../logic/navigation';
import { useSession } from '../session';

export function SignInPage() {
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (user) return <Navigate to={next} replace />;

  const submit = async (event: React.MouseEvent | React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn(username, password);
      navigate(next, { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) setProblem(error.message);
      else if (error instanceof ApiError && error.status === 401) setProblem('The user name or password is wrong.');
      else if (error instanceof ApiError && error.fieldProblems.length) setProblem(error.fieldProblems.map((p) => `${p.field} ${p.message}`).join('; '));
      else setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <LoginPage loginTitle="Sign in to Ferry" loginSubtitle="Container repository mirroring">
      <LoginForm
        usernameLabel="User name"
        usernameValue={username}
        onChangeUsername={(_e, v) => setUsername(v)}
        passwordLabel="Password"
        passwordValue={password}
        onChangePassword={(_e, v) => setPassword(v)}
        showHelperText={problem !== null}
        helperText={problem ?? undefined}
        isValidUsername={problem === null}
        isValidPassword={problem === null}
        loginButtonLabel="Sign in"
        isLoginButtonDisabled={busy}
        onLoginButtonClick={(e) => void submit(e)}
      />
    </LoginPage>
  );
}
