"""Fixtures and helpers the Blob service's SDK suites share: import them into a test module to use them."""
import shutil

import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobServiceClient

from conftest import start_emulator


@pytest.fixture
def service(emulator):
    return BlobServiceClient.from_connection_string(emulator.connection_string)


@pytest.fixture
def container(service, unique_name):
    client = service.create_container(unique_name)
    yield client
    client.delete_container()


def error_of(call):
    """The Azure error a call raises (it must raise one)."""
    with pytest.raises(HttpResponseError) as error:
        call()
    return error.value


def blob_emulator(*extra_args):
    """A module's own Blob-only emulator with extra flags, stopped and removed after the module."""
    emu = start_emulator(services=("blob",), extra_args=list(extra_args))
    yield emu
    emu.stop()
    shutil.rmtree(emu.location, ignore_errors=True)
