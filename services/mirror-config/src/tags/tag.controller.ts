import { Controller, Get, Param, Query } from '@nestjs/common';
import { TAG_LIST } from '@ferry/api-schema';
import { requires } from '@ferry/identity';
import { Requires } from '../auth/permission';
import { Operation } from '../http/operation';
import { TAG_LIST_QUERY, TagService } from './tag.service';

/** Quay's tag API of a repository. */
@Controller('api/v1/repository/:namespace/:repository/tag')
export class TagController {
  constructor(private readonly tags: TagService) {}

  @Get()
  @Requires(requires.repository('read'))
  @Operation({
    summary: 'The repository\'s tags, active and ended (Quay\'s ListRepositoryTags): digests, sizes, lifetimes, newest first, in pages',
    query: TAG_LIST_QUERY,
    responses: { 200: TAG_LIST },
  })
  list(@Param('namespace') namespace: string, @Param('repository') repository: string, @Query() query: Record<string, unknown>) {
    return this.tags.list({ namespace, repository }, query);
  }
}
