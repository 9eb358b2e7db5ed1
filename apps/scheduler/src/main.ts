import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { parseDuration } from '@berth/domain';

@Module({})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  console.log(parseDuration('5s'));
  await app.close();
}
void main();
