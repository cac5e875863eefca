import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Breadcrumb, BreadcrumbItem, Content, Flex, FlexItem, PageBreadcrumb, PageSection, Title } from '@patternfly/react-core';

export interface Crumb {
  label: string;
  to?: string;
}

/**
 * Every page's top: where it sits (breadcrumbs, the last one the page itself), its one h1, a line
 * saying what the page is for, and its main actions on the right.
 */
export function PageHeader({ title, crumbs = [], description, actions, badge }: { title: ReactNode; crumbs?: Crumb[]; description?: ReactNode; actions?: ReactNode; badge?: ReactNode }) {
  return (
    <>
      {crumbs.length ? (
        <PageBreadcrumb>
          <Breadcrumb>
            {crumbs.map((c, i) => (
              <BreadcrumbItem key={`${c.label}-${i}`} isActive={i === crumbs.length - 1} render={c.to && i < crumbs.length - 1 ? ({ className, ariaCurrent }) => <Link className={className} aria-current={ariaCurrent} to={c.to!}>{c.label}</Link> : undefined}>
                {c.to && i < crumbs.length - 1 ? undefined : c.label}
              </BreadcrumbItem>
            ))}
          </Breadcrumb>
        </PageBreadcrumb>
      ) : null}
      <PageSection>
        <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }} alignItems={{ default: 'alignItemsCenter' }}>
          <FlexItem>
            <Title headingLevel="h1">
              {title} {badge}
            </Title>
            {description ? <Content component="p">{description}</Content> : null}
          </FlexItem>
          {actions ? <FlexItem>{actions}</FlexItem> : null}
        </Flex>
      </PageSection>
    </>
  );
}
